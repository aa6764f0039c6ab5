# actbench figure "Claim 4: Saturated sigmoid and tanh units kill the gradient": 2 panels
#   panel 1: "saturated units at initialisation"
#   panel 2: "first layer's gradient at initialisation"
# The data is inline; the script needs nothing else.
# re-render from the run folder: gnuplot plots/04-saturation.gp
# (writes plots/04-saturation.png)

set encoding utf8
set datafile missing "NaN"

# data blocks, one per series: x y [ylo yhi]; a blank line is a gap
# panel 1, "sigmoid"
$d1 << EOD
0.03 0 0 0
0.1 0 0 0
0.3 0 0 0
1 20.5601852 18.6328125 22.0201823
3 61.864728 61.2491319 62.7777778
EOD
# panel 1, "tanh"
$d2 << EOD
0.03 0 0 0
0.1 0 0 0
0.3 4.04021991 3.27256944 4.88628472
1 54.1315104 53.5078125 55.0483941
3 80.1263744 79.9312066 80.3689236
EOD
# panel 2, "sigmoid"
$d3 << EOD
0.03 2.11127794e-09 1.07945395e-09 2.71510289e-09
0.1 8.21659226e-06 5.24926294e-06 1.11968435e-05
0.3 0.00554334904 0.00340645737 0.00890250885
1 0.267275969 0.205527977 0.31173612
3 2.84425276 2.02312184 4.39401969
EOD
# panel 2, "tanh"
$d4 << EOD
0.03 1.36997743e-06 1.25756218e-06 1.50585707e-06
0.1 0.00200094157 0.00182293326 0.00212660603
0.3 3.78975373 2.85612207 4.57491992
1 22.0818801 19.2677662 24.9314555
3 455.195248 264.424836 783.316257
EOD

set terminal pngcairo size 1280,520 enhanced font "sans,10"
set output 'plots/04-saturation.png'
set multiplot layout 1,2 title "Claim 4: Saturated sigmoid and tanh units kill the gradient" noenhanced font ",12"

# ---- panel 1: "saturated units at initialisation"
set title "saturated units at initialisation" noenhanced
set xlabel "initial weight std" noenhanced
set ylabel "saturated units (%)" noenhanced
set grid
unset label
set bmargin 4.90
set format x "%g"
set xtics (0.03, 0.1, 0.3, 1, 3)
set logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set autoscale y
set offsets graph 0.03, graph 0.03, graph 0.04, graph 0.04
set key outside below center vertical maxrows 1 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d1 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d2 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d1 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "sigmoid" noenhanced, \
     $d2 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "tanh" noenhanced

# ---- panel 2: "first layer's gradient at initialisation"
set title "first layer's gradient at initialisation" noenhanced
set xlabel "initial weight std" noenhanced
set ylabel "||dL/db|| of layer 1" noenhanced
set grid
unset label
set bmargin 4.90
set format x "%g"
set xtics (0.03, 0.1, 0.3, 1, 3)
set logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set logscale y
set format y "10^{%L}"
set autoscale y
set key outside below center vertical maxrows 1 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d3 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#1f77b4" notitle, \
     $d4 using 1:3:4 with filledcurves fs transparent solid 0.2 noborder lc rgb "#ff7f0e" notitle, \
     $d3 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "sigmoid" noenhanced, \
     $d4 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "tanh" noenhanced

unset multiplot
unset output
